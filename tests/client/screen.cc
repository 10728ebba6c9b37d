#include "tests/client/screen.h"

#include <algorithm>
#include <cctype>

namespace netdisk::e2e {
namespace {

class Screen {
 public:
  explicit Screen(std::size_t columns) : columns_(columns) {}

  void put(char c) {
    if (column_ == columns_) {  // auto-wrap, as a terminal with `am` does
      ++row_;
      column_ = 0;
    }
    auto& line = at(row_);
    if (line.size() <= column_) line.resize(column_ + 1, ' ');
    line[column_++] = c;
  }
  void control(char c) {
    if (c == '\r') column_ = 0;
    if (c == '\n') ++row_;
    if (c == '\b' && column_ > 0) --column_;
  }
  // ESC [ `n` `final`
  void csi(std::size_t n, char final) {
    std::size_t count = std::max<std::size_t>(n, 1);
    switch (final) {
      case 'A':
        row_ -= std::min(row_, count);
        break;
      case 'B':
        row_ += count;
        break;
      case 'C':
        column_ = std::min(columns_, column_ + count);
        break;
      case 'D':
        column_ -= std::min(column_, count);
        break;
      case 'G':
        column_ = std::min(columns_, count) - 1;
        break;
      case 'K':
        erase_line(n);
        break;
      case 'J':
        if (n == 0) {
          erase_line(0);
          if (lines_.size() > row_ + 1) lines_.resize(row_ + 1);
        }
        break;
      default:
        break;  // colours, modes: nothing to show
    }
  }
  std::vector<std::string> lines() const {
    std::vector<std::string> out = lines_;
    for (auto& line : out) line.erase(line.find_last_not_of(' ') + 1);
    return out;
  }

 private:
  std::string& at(std::size_t row) {
    if (lines_.size() <= row) lines_.resize(row + 1);
    return lines_[row];
  }
  void erase_line(std::size_t mode) {
    auto& line = at(row_);
    if (mode == 2) line.clear();
    if (mode == 0 && line.size() > column_) line.resize(column_);
    if (mode == 1) std::fill(line.begin(), line.begin() + std::min(line.size(), column_ + 1), ' ');
  }

  std::size_t columns_;
  std::vector<std::string> lines_;
  std::size_t row_ = 0;
  std::size_t column_ = 0;
};

}  // namespace

std::vector<std::string> render_screen(std::string_view transcript, std::size_t columns) {
  Screen screen(columns);
  for (std::size_t i = 0; i < transcript.size(); ++i) {
    char c = transcript[i];
    if (c == '\x1b' && i + 1 < transcript.size() && transcript[i + 1] == '[') {
      std::size_t n = 0;
      i += 2;
      while (i < transcript.size() && (std::isdigit(static_cast<unsigned char>(transcript[i])) ||
                                       transcript[i] == ';' || transcript[i] == '?')) {
        if (std::isdigit(static_cast<unsigned char>(transcript[i]))) {
          n = n * 10 + static_cast<std::size_t>(transcript[i] - '0');
        } else {
          n = 0;  // only the last parameter matters to the sequences handled
        }
        ++i;
      }
      if (i < transcript.size()) screen.csi(n, transcript[i]);
    } else if (c == '\x1b') {
      ++i;  // a two-byte escape (charset, keypad mode)
    } else if (static_cast<unsigned char>(c) < 0x20) {
      screen.control(c);
    } else {
      screen.put(c);
    }
  }
  return screen.lines();
}

}  // namespace netdisk::e2e
