// Corpus replay of fuzz_events (see replay_main.cpp).
#define HALLWAY_FUZZ_CORPUS "events"
#include "replay_main.cpp"
