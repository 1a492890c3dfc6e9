"""The app's pages, one file each; declared in components/pages.py, run by app.py."""
