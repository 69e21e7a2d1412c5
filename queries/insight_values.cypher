// The values of metric points by id.
// Parameters: $ids. Columns: id, value.
UNWIND $ids AS id
MATCH (m:GlobalMetric {id: id})
RETURN m.id AS id, m.value AS value
