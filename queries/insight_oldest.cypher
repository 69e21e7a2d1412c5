// The points of one series, oldest first (retention deletes from the front).
// Parameters: $name, $project, $limit. Columns: id.
MATCH (m:GlobalMetric) WHERE m.metricType = $name AND m.project = $project
RETURN m.id AS id
ORDER BY m.timestamp, id
LIMIT $limit
