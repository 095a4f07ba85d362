"""CSR I review: a share of a CSR I's money-moving work, and all of it over an amount, filed
nightly for a supervisor to review (district.models_review.ReviewItem)."""
