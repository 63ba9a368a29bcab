"""The sandbox: a loopback HTTP server that answers like the five vendor APIs."""
