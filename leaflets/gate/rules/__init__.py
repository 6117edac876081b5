"""The gate's rule families, one module each; ``leaflets.gate.checks`` runs them."""
