"""Everything that touches the outside: plan files and their cache, the configuration, the progress
store, holidays, mail, the one safe writer, the session a command works in."""
