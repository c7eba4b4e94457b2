"""One module per page: ``layout(**query)`` returns the component tree."""
