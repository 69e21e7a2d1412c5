"""Every way a client reaches the graph (GraphQL, language server, MCP) lives here."""
