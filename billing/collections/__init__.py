"""Collections (the notice ladder, holds and the shut-off list)."""
