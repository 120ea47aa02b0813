"""Gas top-up that never loses or doubles a payment: journal, card writer, flow, reconciliation."""
