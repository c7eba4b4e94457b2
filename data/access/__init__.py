"""Who may ask what: viewers, selections, scope errors, user accounts and API tokens."""
