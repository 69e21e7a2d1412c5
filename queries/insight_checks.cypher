// Compliance checks (the latest evaluation of each rule) per project and status.
// Parameters: none. Columns: project, status, n.
MATCH (c:ComplianceCheck)
RETURN c.project AS project, c.status AS status, count(*) AS n
