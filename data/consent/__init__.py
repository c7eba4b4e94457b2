"""The consent-gated SSPF case layer (issue 18): consent ledger, cases, åtagandeplan, tear-up."""
