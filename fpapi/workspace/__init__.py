"""The app's own flows over the API and storage: settings, access, the connect flow, the roster."""
