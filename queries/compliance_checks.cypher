// The latest compliance checks of a project.
// Parameters: $project (project id; '' for all). Columns: id, status, violations, evaluated, project, rule,
// checkedAt.
MATCH (c:ComplianceCheck)
WHERE $project = '' OR c.project = $project
RETURN c.id AS id, c.status AS status, c.violations AS violations, c.evaluated AS evaluated,
       c.project AS project, c.rule AS rule, c.checkedAt AS checkedAt
ORDER BY id
