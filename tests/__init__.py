"""The test suite; a package so tests can import their shared builders."""
