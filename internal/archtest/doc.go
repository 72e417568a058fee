// Package archtest holds no code: its test checks dp2nn's package layout,
// docs/architecture.md's picture made executable. Every package imports
// only the packages its row of the layer table allows (imports point
// downward), and the ground truth (truth/..., instance, problems, smooth)
// depends on none of the lowering, the network IR or the exporter, so that
// what checks the compiler shares no code with it.
package archtest
