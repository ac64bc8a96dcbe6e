"""The service layer: one function per use case, on a Session, recording its audit row in the same
transaction. Routers and the CLI both call these, so a hall managed over HTTP and one managed from
the command line behave the same."""
