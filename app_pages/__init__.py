"""The app's pages, one file each; declared in components/frame/pages.py, run by app.py."""
