"""The traceability ledger: supply-chain events per batch, hash-chained, in RFC 6962 Merkle trees."""
