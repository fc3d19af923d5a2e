// berichtctl: see ctl/ctl.hpp and docs/berichtctl.md.
#include <iostream>

#include "ctl/ctl.hpp"

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  return berichtd::ctl::runCtl(args, std::cout, std::cerr);
}
