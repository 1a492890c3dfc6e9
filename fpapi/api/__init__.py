"""The vendor's First Party API: the client for its three calls and models of its answers."""
