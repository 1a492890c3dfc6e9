"""What every page shares: the access gate, the menu, the sidebar, session state, the
workspace a page opens, and the charts' loader."""
