#pragma once
// "Did you mean" for unknown keys: the candidate nearest by edit distance (insert, delete,
// substitute, swap two neighbours; case ignored), if it is near enough to be a likely typo.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spanwatch::config {

std::size_t edit_distance(std::string_view a, std::string_view b);

// Near enough: distance <= max(1, length of the typed word / 3). Ties go to the first candidate.
std::optional<std::string> closest_name(std::string_view typed, const std::vector<std::string>& candidates);

}  // namespace spanwatch::config
