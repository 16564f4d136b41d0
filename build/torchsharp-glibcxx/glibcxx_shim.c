/*
 * Defines std::ios_base_library_init(), which GCC 13's libstdc++ (GLIBCXX_3.4.32) added so that
 * objects using <iostream> pull in its static initialisation. Debian 12's libstdc++ initialises
 * iostreams unconditionally and lacks the symbol, so an empty definition is all that is needed.
 * Loaded as a NEEDED dependency of TorchSharp's libLibTorchSharp.so (see patch-libtorchsharp.sh).
 */
void _ZSt21ios_base_library_initv(void) {}
