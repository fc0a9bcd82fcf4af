// sim/atomic_write.hpp — every file surge writes (reports, golden files, traces) is written to a
// temporary file beside it, flushed to disk, then renamed over the target: a reader, or a run that
// is killed halfway (SIGKILL, a crash, a full disk), sees either the old file whole or the new one
// whole, never a truncated one.
//
// atomic_file holds the temporary file while it is written (a trace is streamed during the run);
// commit() makes it the target, and a file never committed is removed by the destructor.
// write_file_atomically() does both for a text already in memory (a report).
#pragma once

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace surge::sim {

/// A file that could not be written: what() names it ("cannot write the report r.json: ...").
struct write_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class atomic_file {
public:
    /// Creates the temporary file "PATH.tmp-XXXXXX" in PATH's directory now, so that an
    /// unwritable place is found before a run starts. `what` names the file in messages ("report").
    atomic_file(std::string path, std::string what) : path_(std::move(path)), what_(std::move(what)) {
        namespace fs = std::filesystem;
        std::error_code ec;
        if (fs::is_directory(path_, ec)) fail("is a directory");
        // A symbolic link stays one: the file it points to is replaced.
        target_ = path_;
        if (fs::is_symlink(path_, ec)) {
            const fs::path real = fs::weakly_canonical(path_, ec);
            if (!ec) target_ = real.string();
        }
        // A device or a pipe (/dev/null, /dev/stdout) cannot be replaced: written in place.
        if (fs::exists(target_, ec) && !fs::is_regular_file(target_, ec)) {
            out_.open(target_, std::ios::binary);
            if (!out_) fail(errno != 0 ? std::strerror(errno) : "cannot open the file");
            return;
        }
        std::string name = target_ + ".tmp-XXXXXX";
        const int fd = ::mkstemp(name.data());
        if (fd < 0) fail(std::strerror(errno));
        ::close(fd);
        tmp_ = std::move(name);
        out_.open(tmp_, std::ios::binary | std::ios::trunc);
        if (!out_) {
            const int err = errno;
            discard();
            fail(err != 0 ? std::strerror(err) : "cannot open the file");
        }
    }
    atomic_file(const atomic_file&) = delete;
    atomic_file& operator=(const atomic_file&) = delete;
    ~atomic_file() { discard(); }

    [[nodiscard]] std::ostream& stream() { return out_; }
    [[nodiscard]] const std::string& path() const { return path_; }

    /// Flushes the text to disk and renames it over the target (which keeps its permissions if it
    /// existed; a new file gets 0666 less the umask, like any file the shell creates).
    void commit() {
        if (tmp_.empty()) {
            if (!out_.is_open()) return;
            out_.close();
            if (!out_) fail("write failed");
            return;
        }
        out_.close();
        if (!out_) fail_and_discard("write failed");
        mode_t mode = 0;
        struct stat st {};
        if (::stat(target_.c_str(), &st) == 0) {
            mode = st.st_mode & 07777;
        } else {
            const mode_t mask = ::umask(0);
            ::umask(mask);
            mode = 0666 & ~mask;
        }
        const int fd = ::open(tmp_.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) fail_and_discard(std::strerror(errno));
        const bool synced = ::fchmod(fd, mode) == 0 && ::fsync(fd) == 0;
        const int err = errno;
        ::close(fd);
        if (!synced) fail_and_discard(std::strerror(err));
        if (std::rename(tmp_.c_str(), target_.c_str()) != 0) fail_and_discard(std::strerror(errno));
        tmp_.clear();
        sync_directory();
    }

    /// Removes the temporary file; the target stays as it was.
    void discard() noexcept {
        if (tmp_.empty()) return;
        if (out_.is_open()) out_.close();
        std::remove(tmp_.c_str());
        tmp_.clear();
    }

private:
    [[noreturn]] void fail(const std::string& why) const {
        throw write_error("cannot write the " + what_ + " " + path_ + ": " + why);
    }
    [[noreturn]] void fail_and_discard(const std::string& why) {
        discard();
        fail(why);
    }
    // The rename is durable once the directory is on disk too; best effort (some file systems
    // refuse fsync on a directory, and the file itself is already whole).
    void sync_directory() const noexcept {
        std::string dir = std::filesystem::path(target_).parent_path().string();
        if (dir.empty()) dir = ".";
        const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) return;
        (void)::fsync(fd);
        ::close(fd);
    }

    std::string path_, what_;
    std::string target_;  // path_, or the file its symbolic link points to
    std::string tmp_;     // the temporary file; empty once committed or discarded
    std::ofstream out_;
};

/// Replaces `path` with `text` atomically. Throws write_error naming the file.
inline void write_file_atomically(const std::string& path, std::string_view text, const std::string& what) {
    atomic_file f(path, what);
    f.stream().write(text.data(), static_cast<std::streamsize>(text.size()));
    f.commit();
}

/// Checks now that `path` can be written atomically (its directory takes a new file, and it is
/// not a directory), without touching it: a run that cannot start leaves an earlier file in place.
inline void check_writable(const std::string& path, const std::string& what) {
    atomic_file probe(path, what);
}

} // namespace surge::sim
