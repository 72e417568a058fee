// Package smoothdp is the reference implementation of smoothed-max dynamic
// programming for knapsack and top-k selection.
package smoothdp
