package inbox

import "github.com/prometheus/client_golang/prometheus"

// Metrics are the ingest counters and latency histograms exported on
// /metrics.
type Metrics struct {
	Messages  *prometheus.CounterVec
	Calls     *prometheus.HistogramVec
	Commits   prometheus.Histogram
	GroupSize prometheus.Histogram
	// OwnerErrors counts channel receivers that stopped with an error.
	OwnerErrors prometheus.Counter
}

// NewMetrics creates the ingest metrics and registers them with reg when
// reg is not nil.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		Messages: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "peyk_ingest_messages_total",
			Help: "Inbound messages by result: inserted, duplicate or rejected.",
		}, []string{"result"}),
		Calls: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "peyk_ingest_call_seconds",
			Help:    "Latency of Ingest calls until commit, by result (ok or error).",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 16),
		}, []string{"result"}),
		Commits: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "peyk_ingest_commit_seconds",
			Help:    "Duration of one group-commit transaction.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 16),
		}),
		GroupSize: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "peyk_ingest_group_messages",
			Help:    "Messages per group-commit transaction.",
			Buckets: prometheus.ExponentialBuckets(1, 2, 12),
		}),
		OwnerErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "peyk_channel_receiver_errors_total",
			Help: "Channel receivers (IMAP, Telegram polling) that stopped with an error and were restarted.",
		}),
	}
	if reg != nil {
		reg.MustRegister(m.Messages, m.Calls, m.Commits, m.GroupSize, m.OwnerErrors)
	}
	return m
}
