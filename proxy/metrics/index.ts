/**
 * metrics: a small registry of counters, gauges and histograms rendered in the Prometheus text format 0.0.4, and
 * the metrics Airlock declares in it. This file is the folder's only door.
 */
export { type AirlockMetrics, countApprovalEvents, createAirlockMetrics } from './airlock-metrics.js';
export { type Labels, PROMETHEUS_CONTENT_TYPE } from './exposition.js';
export { Counter, Gauge, Histogram, type HistogramOptions, type MetricOptions } from './metric.js';
export { MetricsRegistry } from './registry.js';
