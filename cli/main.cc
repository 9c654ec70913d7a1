#include "cli/app.h"

int main(int argc, char** argv) { return akv::cli::RealMain(argc, argv); }
