"""One module per published list. Parsers take the files' bytes and yield `Record`s; no I/O."""
