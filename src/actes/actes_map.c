/* actes_map: files mapped read-only for the archive build and checks (registre, the CLI). */
#include "actes/actes_priv.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int actes_map_file(const char *path, struct actes_mapped *m)
{
	m->p = NULL;
	m->len = 0;
	int fd = path ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	if (fd < 0)
		return -1;
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -1;
	}
	m->len = (size_t)st.st_size;
	m->p = m->len ? mmap(NULL, m->len, PROT_READ, MAP_PRIVATE, fd, 0) : (void *)"";
	if (m->p == MAP_FAILED)
		m->p = NULL;
	close(fd);
	return m->p ? 0 : -1;
}

void actes_unmap(struct actes_mapped *m)
{
	if (m->p && m->len)
		munmap(m->p, m->len);
	m->p = NULL;
}
