// Item factors trained elsewhere, read so that cofi can serve them: Apache Spark MLlib's ALS
// (`model.itemFactors` written as JSON lines or CSV) and the Python library implicit
// (`model.item_factors` saved with numpy.save, plus the item ids). The training settings that
// folding in a new person needs come alongside (see read_factor_settings).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cofi {

struct ItemFactors {
  std::vector<std::string> ids;  // in file order
  int32_t rank = 0;
  std::vector<float> values;     // ids.size() x rank, row-major
};

// Spark's itemFactors, in any of the layouts its writers produce:
//   JSON lines  {"id":12,"features":[0.1,-0.3,...]}  (`itemFactors.write.json(dir)`; the part files
//               of the directory may be concatenated, in any order)
//   CSV         id,features  with features as "[0.1,-0.3]" or "0.1 -0.3" (after
//               `concat_ws(' ', features)`), or id followed by one column per factor.
// Every row must have the same number of factors; ids must be distinct. Errors name the line.
ItemFactors read_spark_item_factors(std::string_view bytes, const std::string& source);

// Adds `part` (read from `source`) to `into`: Spark writes one part file per partition. The rank
// must match and no id may repeat across parts.
void append_item_factors(ItemFactors& into, ItemFactors part, const std::string& source);

// A float32 or float64 .npy matrix (items x factors, C or Fortran order) and the item ids, one per
// line in row order (`implicit`'s model.item_factors with the id list the program kept).
ItemFactors read_npy_item_factors(std::string_view npy, const std::string& npy_source, std::string_view ids,
                                  const std::string& ids_source);

// The settings a fold-in needs. From a JSON object with any of the keys rank, regParam (or
// regularization / reg), alpha, implicitPrefs: a file the export job wrote, or Spark's own model
// metadata (`model.save(path)` writes metadata/part-00000 with "paramMap" and "defaultParamMap",
// which are read in that order). Missing keys stay unset (has_* false).
struct FactorSettings {
  bool has_rank = false, has_reg = false, has_alpha = false, has_implicit = false;
  int32_t rank = 0;
  double reg = 0.0;
  double alpha = 1.0;
  bool implicit = false;
};
FactorSettings read_factor_settings(std::string_view json, const std::string& source);

}  // namespace cofi
