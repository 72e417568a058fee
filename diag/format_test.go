package diag

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestBytes(t *testing.T) {
	for _, c := range []struct {
		n    int64
		want string
	}{
		{0, "0 B"}, {1023, "1023 B"}, {1024, "1.0 KiB"}, {3565158, "3.4 MiB"},
		{16 << 30, "16.0 GiB"}, {1 << 40, "1.0 TiB"}, {1 << 62, "4096.0 PiB"},
	} {
		assert.Equal(t, c.want, Bytes(c.n), "%d", c.n)
	}
}

func TestThousands(t *testing.T) {
	for _, c := range []struct {
		n    int64
		want string
	}{
		{0, "0"}, {999, "999"}, {1000, "1,000"}, {-1000, "-1,000"}, {-100000, "-100,000"},
		{1234567, "1,234,567"}, {-9223372036854775808, "-9,223,372,036,854,775,808"},
	} {
		assert.Equal(t, c.want, Thousands(c.n), "%d", c.n)
	}
}
