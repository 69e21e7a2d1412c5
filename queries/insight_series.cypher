// Every insights series: its newest point's time and its length.
// Parameters: none. Columns: name, project, at, n.
MATCH (m:GlobalMetric)
RETURN m.metricType AS name, m.project AS project, max(m.timestamp) AS at, count(*) AS n
