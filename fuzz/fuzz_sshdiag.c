/* Fuzz target: ssh's standard error as berth reads it
 * (src/lib/parse/sshdiag.c). The first byte is the exit status (255 and
 * 254 stand for "unknown"), the rest the text, in an exactly sized heap
 * block with no NUL after it.
 *
 * What must hold whatever the bytes: no crash or over-read; the code is
 * one of those the header lists; the message is printable ASCII, ends
 * within its buffer, and says something. */
#include "fuzz.h"

#include "lib/parse/sshdiag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t len = 0;
	char *text = fuzz_body(data, size, &len);
	if (!text)
		return 0;
	int status = data[0] >= 254 ? -1 : data[0];
	char small[64], big[BERTH_ERROR_MESSAGE_MAX];
	char *bufs[2] = { small, big };
	size_t sizes[2] = { sizeof small, sizeof big };
	for (int i = 0; i < 2; i++) {
		memset(bufs[i], 0x7f, sizes[i]);
		int code = ssh_diagnose(bufs[i], sizes[i], text, len, status);
		if (code != BERTH_EPERM && code != BERTH_EUNAVAILABLE && code != BERTH_ETIMEDOUT &&
		    code != BERTH_EINVAL && code != BERTH_ENOTFOUND)
			abort();
		size_t n = strnlen(bufs[i], sizes[i]);
		if (n == 0 || n == sizes[i])
			abort();
		for (size_t k = 0; k < n; k++)
			if (bufs[i][k] < ' ' || bufs[i][k] >= 0x7f)
				abort();
	}
	free(text);
	return 0;
}
