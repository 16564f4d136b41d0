/*
 * mark_version_weak FILE VERSION
 * Sets VER_FLG_WEAK on the version requirement VERSION (e.g. GLIBCXX_3.4.32) in the ELF64 file's
 * .gnu.version_r section, so the dynamic loader does not refuse to load FILE when the providing
 * library lacks that version. Exit status: 0 changed or already weak, 1 not found, 2 error.
 */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(const char *what) { fprintf(stderr, "mark_version_weak: %s\n", what); return 2; }

int main(int argc, char **argv) {
    if (argc != 3) return fail("usage: mark_version_weak FILE VERSION");
    FILE *f = fopen(argv[1], "r+b");
    if (!f) return fail("cannot open file");
    if (fseek(f, 0, SEEK_END) != 0) return fail("cannot seek");
    long size = ftell(f);
    unsigned char *data = malloc((size_t)size);
    if (!data || fseek(f, 0, SEEK_SET) != 0 || fread(data, 1, (size_t)size, f) != (size_t)size) return fail("cannot read file");

    Elf64_Ehdr *eh = (Elf64_Ehdr *)data;
    if (size < (long)sizeof *eh || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_ident[EI_CLASS] != ELFCLASS64)
        return fail("not an ELF64 file");
    if (eh->e_shoff + (Elf64_Off)eh->e_shnum * sizeof(Elf64_Shdr) > (Elf64_Off)size) return fail("bad section table");
    Elf64_Shdr *sh = (Elf64_Shdr *)(data + eh->e_shoff);

    for (int i = 0; i < eh->e_shnum; i++) {
        if (sh[i].sh_type != SHT_GNU_verneed) continue;
        Elf64_Shdr *strtab = &sh[sh[i].sh_link];
        const char *strings = (const char *)data + strtab->sh_offset;
        Elf64_Off need_off = sh[i].sh_offset;
        for (Elf64_Word n = 0; n < sh[i].sh_info; n++) {
            Elf64_Verneed *need = (Elf64_Verneed *)(data + need_off);
            Elf64_Off aux_off = need_off + need->vn_aux;
            for (Elf64_Half a = 0; a < need->vn_cnt; a++) {
                Elf64_Vernaux *aux = (Elf64_Vernaux *)(data + aux_off);
                if (strcmp(strings + aux->vna_name, argv[2]) == 0) {
                    if (!(aux->vna_flags & VER_FLG_WEAK)) {
                        aux->vna_flags |= VER_FLG_WEAK;
                        if (fseek(f, (long)aux_off, SEEK_SET) != 0 || fwrite(aux, sizeof *aux, 1, f) != 1) return fail("cannot write");
                    }
                    fclose(f);
                    return 0;
                }
                aux_off += aux->vna_next;
            }
            need_off += need->vn_next;
        }
    }
    fclose(f);
    return 1;
}
