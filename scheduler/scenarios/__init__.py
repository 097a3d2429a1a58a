"""What-if capacity scenarios: the document, its changes, the solve and report, charts."""
