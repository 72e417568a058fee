// Package instance reads, writes, binds and draws the instances dp2nn's
// programs run on.
//
// ReadInstanceFile reads the knapsack text format of testdata/lowdim (n,
// n lines "profit weight", the capacity) or JSON (a knapsack, per-step
// inputs of any program, or a program's "data"); every error comes back
// as a diag.ErrorList naming the file, line and column. Params picks the
// params of a program for an instance (-set values, instance scalars, an
// automatic upper bound, defaults) and Bind turns the instance into step
// inputs, reporting every value the program cannot take with its position
// and the input's declaration; BindData does the same for a program's
// data. SequenceInstance, GraphInstance, TSPLIBInstance and RCSPInstance
// convert the published files of truth/graphs. AppendixD and Uniform draw
// seeded random instances; WriteInstance writes any instance as JSON.
// Files lists a directory's instance files; Batch lists the instances of
// a batch, a directory or a JSON-lines file (one instance per line,
// errors named FILE:LINE). ReadCost bounds the heap of reading a file
// from its bytes, so that ReadInstanceFileWithin and BatchWithin refuse
// one past -max-memory before parsing it.
//
//	f, _ := repo.ReadProgram("examples/knapsack.dp")
//	inst, _ := instance.ReadInstanceFile("testdata/lowdim/f1_l-d_kp_10_269.txt")
//	params, notes, _ := instance.Params(f, inst, nil) // pmax = Σ profits
//	m, _ := dsl.Check(f, params)
//	steps, _ := instance.Bind(m, inst)
package instance
