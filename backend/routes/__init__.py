"""HTTP routes: thin adapters that parse, call one service function, and answer."""
