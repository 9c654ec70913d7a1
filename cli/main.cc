#include <iostream>

#include "cli/app.h"
#include "cli/last_resort.h"

// Anything that escapes RealMain is a bug: one line and E_INTERNAL, never
// SIGABRT (cli/last_resort.h).
int main(int argc, char** argv) {
  akv::cli::InstallTerminateHandler();
  try {
    return akv::cli::RealMain(argc, argv);
  } catch (...) {
    return akv::cli::InternalErrorExit(std::cerr);
  }
}
