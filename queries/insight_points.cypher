// The points of every series of one scope ("" ecosystem-wide, else a project id), oldest first.
// Parameters: $project. Columns: name, value, at.
MATCH (m:GlobalMetric) WHERE m.project = $project
RETURN m.metricType AS name, m.value AS value, m.timestamp AS at
ORDER BY name, at
