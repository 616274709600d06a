// Corpus replay of fuzz_frame (see replay_main.cpp).
#define HALLWAY_FUZZ_CORPUS "frame"
#include "replay_main.cpp"
