// Package graphs is the ground truth for the problems "beyond knapsack"
// of Hertrich & Skutella (AAAI 2021, Section 6): longest common
// subsequence, Bellman–Ford shortest paths, all-pairs shortest paths,
// the constrained shortest path problem and the Held–Karp TSP.
//
// Every problem has an exact solver that runs the paper's dynamic program
// literally, keeping the table a network is compared with (LCS,
// BellmanFordRows, FloydWarshallSteps and MinPlusPowers, LengthTable,
// HeldKarpStates), a second method that shares no code with it
// (BellmanFord and Dijkstra, MinPlusSquaring against FloydWarshall,
// label setting in ParetoLabels and ConstrainedPath), and a brute force
// for tiny inputs (LCSBruteForce, BruteForceShortestPaths,
// BruteForceAllPairs, TSPBruteForce; the constrained problem's brute
// force lives in the tests). The tests check them against each other on
// thousands of seeded random instances and against published answers.
//
// Digraphs are dense cost matrices (Graph, math.Inf(1) for a missing
// arc; BigM gives a finite stand-in for networks with finite inputs) or
// arc lists (Edge, LengthGraph). Sequences are []int over a declared
// Alphabet. Seeded generators (NewRand, RandomSequence, RandomDigraph
// with potentials for negative arcs without negative cycles, RandomATSP,
// RandomLengthGraph) draw instances; readers take TSPLIB explicit
// matrices (ReadTSPLIB), OR-Library rcsp files (ReadRCSP) and two small
// JSON formats for digraphs and sequence pairs with their published
// answers (ReadGraphFile, ReadSequenceFile). The real instances live in
// testdata/graphs and testdata/seq at the repository root, cited in
// testdata/README.md; docs/beyond.md states the paper's programs and
// network sizes.
//
//	inst, _ := graphs.ReadTSPLIBFile("testdata/graphs/br17.atsp")
//	cost, tour, _ := graphs.HeldKarp(inst.C, 64<<20) // 39, a tour from city 0
//
//	g, _ := graphs.ReadGraphFile("testdata/graphs/clrs-24.4.json")
//	dist, negCycle, _ := graphs.BellmanFord(g.Graph.N, g.Edges, 0)
//	// dist = [0 2 4 7 -2], negCycle = false
package graphs
