// The points of one series, oldest first (retention deletes from the front).
// Parameters: $metric, $project, $limit. Columns: id.
MATCH (m:GlobalMetric) WHERE m.metricType = $metric AND m.project = $project
RETURN m.id AS id
ORDER BY m.timestamp, id
LIMIT $limit
