-- Viability gate of the selection profile (min_margin_pct): non-viable candidates rank after every viable one.
ALTER TABLE opportunities ADD COLUMN viable BOOLEAN;
COMMENT ON COLUMN opportunities.viable IS 'Passes the profile''s viability gate: margin after duty and fees (best shipping mode) >= the profile''s min_margin_pct (default 0%); unknown margin passes. Non-viable candidates rank after all viable ones.';
