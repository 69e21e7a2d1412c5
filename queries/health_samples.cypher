// A service's health samples, newest first.
// Parameters: $service (service id), $limit. Columns: id, status, latencyMs, code, error, at.
MATCH (h:HealthSample) WHERE h.service = $service
RETURN h.id AS id, h.status AS status, h.latencyMs AS latencyMs, h.code AS code, h.error AS error, h.at AS at
ORDER BY at DESC, id DESC
LIMIT $limit
