"""The widgets of each page, one module a page (and the creator picker they share)."""
