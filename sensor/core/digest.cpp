#include "core/digest.hpp"

#include <openssl/evp.h>

namespace spanwatch::core {
namespace {

struct Digests {
  EVP_MD* sha1 = EVP_MD_fetch(nullptr, "SHA1", nullptr);
  EVP_MD* md5 = EVP_MD_fetch(nullptr, "MD5", nullptr);
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  ~Digests() {
    EVP_MD_CTX_free(context);
    EVP_MD_free(md5);
    EVP_MD_free(sha1);
  }
};

Digests& digests() {
  thread_local Digests d;  // per worker thread: a context is not shared between threads
  return d;
}

bool run(const EVP_MD* md, const void* data, std::size_t size, unsigned char* out) {
  EVP_MD_CTX* context = digests().context;
  return md != nullptr && context != nullptr && EVP_DigestInit_ex2(context, md, nullptr) == 1 &&
         EVP_DigestUpdate(context, data, size) == 1 && EVP_DigestFinal_ex(context, out, nullptr) == 1;
}

}  // namespace

bool sha1(const void* data, std::size_t size, unsigned char* out) {
  return run(digests().sha1, data, size, out);
}

bool md5(const void* data, std::size_t size, unsigned char* out) {
  return run(digests().md5, data, size, out);
}

}  // namespace spanwatch::core
