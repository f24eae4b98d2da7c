"""The back office at /officer/: every route signs in and checks the officer's role."""
