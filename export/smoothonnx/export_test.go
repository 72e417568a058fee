package smoothonnx

// SetWindow makes the loop form keep w levels in its window (0: its own
// choice).
func SetWindow(w int) { forceWindow = w }
