#include "batch_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace berichtd::sepa {
namespace {

Status failed(const std::filesystem::path& target, const std::string& what) {
  return Status::error("SEPA_FILE_WRITE_FAILED", "cannot write " + target.string() + ": " + what +
                                                     " (" + std::strerror(errno) + ")");
}

}  // namespace

Status writeFileAtomically(const std::filesystem::path& target, const std::string& content) {
  const std::filesystem::path temp = target.parent_path() / ("." + target.filename().string() +
                                                             ".tmp-" + std::to_string(::getpid()));
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) return failed(target, "open");
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      Status s = failed(target, "write");
      ::close(fd);
      ::unlink(temp.c_str());
      return s;
    }
    done += static_cast<std::size_t>(n);
  }
  // Durable before it becomes visible: a crash after the rename never leaves a short file.
  if (::fsync(fd) != 0) {
    Status s = failed(target, "fsync");
    ::close(fd);
    ::unlink(temp.c_str());
    return s;
  }
  ::close(fd);
  if (::rename(temp.c_str(), target.c_str()) != 0) {
    Status s = failed(target, "rename");
    ::unlink(temp.c_str());
    return s;
  }
  // The rename itself is durable once the folder is synced.
  const int dir = ::open(target.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return Status::ok();
}

}  // namespace berichtd::sepa
