//go:build cgo

package vulkan

// The C side of the runtime: the loader, the debug messenger, queries the Go
// binding lacks (Properties2, Features2) and the hot recording path (a
// dispatch with push descriptors, barriers, copies), each one cgo call.
// Structures are declared here by hand (their layout on LP64 follows
// vulkan_core.h), so no Vulkan header is needed to build.

/*
#cgo LDFLAGS: -ldl
#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void (*vkg_voidfn)(void);
typedef vkg_voidfn (*vkg_gipa_t)(void *instance, const char *name);
typedef vkg_voidfn (*vkg_gdpa_t)(void *device, const char *name);

static vkg_gipa_t vkg_gipa;
static char vkg_err[512];

static void *vkg_load(const char *name) {
	void *h = dlopen(name, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		snprintf(vkg_err, sizeof vkg_err, "%s", dlerror());
		return NULL;
	}
	void *p = dlsym(h, "vkGetInstanceProcAddr");
	if (!p) {
		snprintf(vkg_err, sizeof vkg_err, "%s has no vkGetInstanceProcAddr", name);
		return NULL;
	}
	vkg_gipa = (vkg_gipa_t)p;
	return p;
}
static const char *vkg_load_error(void) { return vkg_err; }

// ---- instance and device creation, enumerations ----
//
// The Go binding converts the arrays in these calls' arguments into C
// memory that a finalizer may free while the call still reads it; here
// every argument is C memory the caller owns.

typedef struct { uint32_t sType; const void *pNext; const char *appName; uint32_t appVersion; const char *engineName; uint32_t engineVersion; uint32_t apiVersion; } vkg_app_info;
typedef struct {
	uint32_t sType; const void *pNext; uint32_t flags; const vkg_app_info *app;
	uint32_t layerCount; const char *const *layers; uint32_t extCount; const char *const *exts;
} vkg_instance_info;
typedef int32_t (*vkg_create_instance_t)(const vkg_instance_info *, const void *, void **);

static int32_t vkg_create_instance(uint32_t apiVersion, uint32_t flags, const void *pnext, const char *const *layers, int nlayers, const char *const *exts, int nexts, void **inst) {
	vkg_create_instance_t f = (vkg_create_instance_t)vkg_gipa(NULL, "vkCreateInstance");
	if (!f) return -3; // VK_ERROR_INITIALIZATION_FAILED
	vkg_app_info app;
	memset(&app, 0, sizeof app);
	app.sType = 0; // APPLICATION_INFO
	app.appName = "vkgrad";
	app.engineName = "vkgrad";
	app.apiVersion = apiVersion;
	vkg_instance_info ci;
	memset(&ci, 0, sizeof ci);
	ci.sType = 1; // INSTANCE_CREATE_INFO
	ci.pNext = pnext;
	ci.flags = flags;
	ci.app = &app;
	ci.layerCount = nlayers;
	ci.layers = layers;
	ci.extCount = nexts;
	ci.exts = exts;
	return f(&ci, NULL, inst);
}

typedef struct { uint32_t sType; const void *pNext; uint32_t flags; uint32_t family; uint32_t count; const float *priorities; } vkg_queue_info;
typedef struct {
	uint32_t sType; const void *pNext; uint32_t flags;
	uint32_t queueInfoCount; const vkg_queue_info *queueInfos;
	uint32_t layerCount; const char *const *layers;
	uint32_t extCount; const char *const *exts;
	const void *features;
} vkg_device_info;
typedef int32_t (*vkg_create_device_t)(void *, const vkg_device_info *, const void *, void **);

static int32_t vkg_create_device(void *inst, void *pd, uint32_t family, const char *const *exts, int nexts, void **dev) {
	vkg_create_device_t f = (vkg_create_device_t)vkg_gipa(inst, "vkCreateDevice");
	if (!f) return -3;
	float priority = 1.0f;
	vkg_queue_info q;
	memset(&q, 0, sizeof q);
	q.sType = 2; // DEVICE_QUEUE_CREATE_INFO
	q.family = family;
	q.count = 1;
	q.priorities = &priority;
	vkg_device_info ci;
	memset(&ci, 0, sizeof ci);
	ci.sType = 3; // DEVICE_CREATE_INFO
	ci.queueInfoCount = 1;
	ci.queueInfos = &q;
	ci.extCount = nexts;
	ci.exts = exts;
	return f(pd, &ci, NULL, dev);
}

// VkQueueFamilyProperties: flags, count, timestampValidBits, a 3-D extent.
typedef struct { uint32_t flags, count, timestampBits, gw, gh, gd; } vkg_qf_props;
typedef void (*vkg_qf_t)(void *, uint32_t *, vkg_qf_props *);

// vkg_queue_families writes up to cap families' flags and timestamp bits
// and returns how many families there are.
static int vkg_queue_families(void *inst, void *pd, uint32_t *flags, uint32_t *tsbits, int cap) {
	vkg_qf_t f = (vkg_qf_t)vkg_gipa(inst, "vkGetPhysicalDeviceQueueFamilyProperties");
	if (!f) return 0;
	uint32_t n = 0;
	f(pd, &n, NULL);
	if (n == 0) return 0;
	vkg_qf_props *p = calloc(n, sizeof *p);
	if (!p) return 0;
	f(pd, &n, p);
	for (uint32_t i = 0; i < n && (int)i < cap; i++) {
		flags[i] = p[i].flags;
		tsbits[i] = p[i].timestampBits;
	}
	free(p);
	return (int)n;
}

// VkExtensionProperties: a name of 256 chars and a version; layers have
// two versions and a description besides.
typedef int32_t (*vkg_enum_iext_t)(const char *, uint32_t *, void *);
typedef int32_t (*vkg_enum_dext_t)(void *, const char *, uint32_t *, void *);
typedef int32_t (*vkg_enum_layers_t)(uint32_t *, void *);

// vkg_has_name reports whether one of n records of size sz starts with the
// name.
static int vkg_has_name(const char *recs, uint32_t n, size_t sz, const char *name) {
	for (uint32_t i = 0; i < n; i++) {
		if (strncmp(recs + i * sz, name, 256) == 0) return 1;
	}
	return 0;
}

// vkg_has_extension looks for an instance extension (pd NULL) or a device
// extension of pd.
static int vkg_has_extension(void *inst, void *pd, const char *name) {
	uint32_t n = 0;
	char *recs = NULL;
	int found = 0;
	if (pd) {
		vkg_enum_dext_t f = (vkg_enum_dext_t)vkg_gipa(inst, "vkEnumerateDeviceExtensionProperties");
		if (!f || f(pd, NULL, &n, NULL) != 0 || n == 0) return 0;
		recs = calloc(n, 260);
		if (recs && f(pd, NULL, &n, recs) >= 0) found = vkg_has_name(recs, n, 260, name);
	} else {
		vkg_enum_iext_t f = (vkg_enum_iext_t)vkg_gipa(NULL, "vkEnumerateInstanceExtensionProperties");
		if (!f || f(NULL, &n, NULL) != 0 || n == 0) return 0;
		recs = calloc(n, 260);
		if (recs && f(NULL, &n, recs) >= 0) found = vkg_has_name(recs, n, 260, name);
	}
	free(recs);
	return found;
}

static int vkg_has_layer(const char *name) {
	vkg_enum_layers_t f = (vkg_enum_layers_t)vkg_gipa(NULL, "vkEnumerateInstanceLayerProperties");
	uint32_t n = 0;
	if (!f || f(&n, NULL) != 0 || n == 0) return 0;
	char *recs = calloc(n, 520);
	int found = recs && f(&n, recs) >= 0 && vkg_has_name(recs, n, 520, name);
	free(recs);
	return found;
}

// ---- debug messenger: messages go to a ring the Go side drains ----

typedef struct {
	uint32_t sType; const void *pNext; uint32_t flags;
	const char *pMessageIdName; int32_t messageIdNumber; const char *pMessage;
	uint32_t queueLabelCount; const void *pQueueLabels;
	uint32_t cmdBufLabelCount; const void *pCmdBufLabels;
	uint32_t objectCount; const void *pObjects;
} vkg_dbg_data;
typedef uint32_t (*vkg_dbg_cb_t)(uint32_t, uint32_t, const vkg_dbg_data *, void *);
typedef struct {
	uint32_t sType; const void *pNext; uint32_t flags;
	uint32_t messageSeverity; uint32_t messageType;
	vkg_dbg_cb_t pfnUserCallback; void *pUserData;
} vkg_dbg_info;
typedef struct {
	uint32_t sType; const void *pNext;
	uint32_t enabledCount; const int32_t *pEnabled;
	uint32_t disabledCount; const int32_t *pDisabled;
} vkg_val_features;

#define VKG_RING 64

// A message ring per instance: the messenger's user data, so the messages
// of one device never land on another.
typedef struct {
	pthread_mutex_t mu;
	char msgs[VKG_RING][1024];
	int n, dropped, errors;
	vkg_val_features vf;
	int32_t vf_enabled[2];
	vkg_dbg_info dci;
} vkg_ring;

// Severity: 0x1000 error, 0x100 warning. Type: 0x2 validation.
static uint32_t vkg_dbg_cb(uint32_t sev, uint32_t types, const vkg_dbg_data *d, void *user) {
	int bad = (sev >= 0x1000) || (sev >= 0x100 && (types & 0x2));
	vkg_ring *r = (vkg_ring *)user;
	if (!bad || !r) return 0;
	pthread_mutex_lock(&r->mu);
	r->errors++;
	if (r->n < VKG_RING) {
		snprintf(r->msgs[r->n++], 1024, "%s: %s", sev >= 0x1000 ? "ERROR" : "WARNING",
			d && d->pMessage ? d->pMessage : "(no message)");
	} else {
		r->dropped++;
	}
	pthread_mutex_unlock(&r->mu);
	return 0;
}

// vkg_take_messages copies the ring's messages, newline-separated, into
// buf and empties it; it returns how many bad messages arrived in all.
static int vkg_take_messages(vkg_ring *r, char *buf, int cap) {
	pthread_mutex_lock(&r->mu);
	int n = 0;
	buf[0] = 0;
	for (int i = 0; i < r->n; i++) {
		int w = snprintf(buf + n, cap - n, "%s\n", r->msgs[i]);
		if (w < 0 || w >= cap - n) break;
		n += w;
	}
	if (r->dropped) snprintf(buf + n, cap - n, "(%d more)\n", r->dropped);
	int total = r->errors;
	r->n = r->dropped = r->errors = 0;
	pthread_mutex_unlock(&r->mu);
	return total;
}

// vkg_new_ring makes a ring and the pNext chain for VkInstanceCreateInfo
// (ring->dci): the messenger, so messages of instance creation are caught,
// and with sync, synchronization validation.
static vkg_ring *vkg_new_ring(int sync) {
	vkg_ring *r = (vkg_ring *)calloc(1, sizeof(vkg_ring));
	if (!r) return NULL;
	pthread_mutex_init(&r->mu, NULL);
	void *chain = NULL;
	if (sync) {
		r->vf.sType = 1000247000; // VALIDATION_FEATURES_EXT
		r->vf_enabled[0] = 4;     // SYNCHRONIZATION_VALIDATION
		r->vf.enabledCount = 1;
		r->vf.pEnabled = r->vf_enabled;
		chain = &r->vf;
	}
	r->dci.sType = 1000128004; // DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT
	r->dci.pNext = chain;
	r->dci.messageSeverity = 0x100 | 0x1000;
	r->dci.messageType = 0x1 | 0x2 | 0x4;
	r->dci.pfnUserCallback = vkg_dbg_cb;
	r->dci.pUserData = r;
	return r;
}

static void vkg_free_ring(vkg_ring *r) {
	if (!r) return;
	pthread_mutex_destroy(&r->mu);
	free(r);
}

typedef int32_t (*vkg_create_msgr_t)(void *, const vkg_dbg_info *, const void *, uint64_t *);
typedef void (*vkg_destroy_msgr_t)(void *, uint64_t, const void *);

static int32_t vkg_create_messenger(void *inst, vkg_ring *r, uint64_t *out) {
	vkg_create_msgr_t f = (vkg_create_msgr_t)vkg_gipa(inst, "vkCreateDebugUtilsMessengerEXT");
	if (!f) return -7;
	vkg_dbg_info ci = r->dci;
	ci.pNext = NULL;
	return f(inst, &ci, NULL, out);
}
static void vkg_destroy_messenger(void *inst, uint64_t m) {
	vkg_destroy_msgr_t f = (vkg_destroy_msgr_t)vkg_gipa(inst, "vkDestroyDebugUtilsMessengerEXT");
	if (f) f(inst, m, NULL);
}

// ---- Properties2 and Features2 ----

typedef struct { uint32_t sType; void *pNext; uint32_t subgroupSize, supportedStages, supportedOperations, quadOps; } vkg_sg_props;
typedef struct { uint32_t sType; void *pNext; uint32_t driverID; char name[256]; char info[256]; uint8_t conf[4]; } vkg_drv_props;
typedef struct { uint32_t sType; void *pNext; uint32_t minSG, maxSG, maxWGSubgroups, requiredStages; } vkg_sgsize_props;
typedef struct { uint32_t sType; void *pNext; uint32_t shaderFloat16, shaderInt8; } vkg_f16_feats;
typedef struct { uint32_t sType; void *pNext; uint32_t sb16, ubsb16, pc16, io16; } vkg_16bit_feats;
typedef struct { uint32_t sType; void *pNext; uint32_t subgroupSizeControl, computeFullSubgroups; } vkg_sgsize_feats;
// VkPhysicalDeviceFloatControlsProperties: two independence enums, then
// SignedZeroInfNanPreserve, DenormPreserve, DenormFlushToZero,
// RoundingModeRTE and RoundingModeRTZ, each for float16, 32 and 64.
typedef struct { uint32_t sType; void *pNext; uint32_t denormIndep, roundingIndep, flags[15]; } vkg_fc_props;
typedef struct { uint32_t sType; void *pNext; uint32_t smCount, warpsPerSM; } vkg_nvsm_props;
typedef struct { uint32_t sType; void *pNext; uint32_t engines, arraysPerEngine, cusPerArray, rest[11]; } vkg_amdcore_props;

typedef struct {
	uint32_t subgroupSize, subgroupOps, subgroupStages, minSG, maxSG, driverID;
	uint32_t float16, int8, storage16, sizeControl;
	uint32_t preserve32, computeUnits, warpsPerCU;
	char driverName[256], driverInfo[256];
} vkg_caps;

// vkg_query_caps reads the Properties2 and Features2 chains; floatControls,
// nvSM and amdCore say which optional structs the device supports.
static int vkg_query_caps(void *inst, void *pd, int floatControls, int nvSM, int amdCore, vkg_caps *out) {
	memset(out, 0, sizeof *out);
	typedef void (*gp2_t)(void *, void *);
	gp2_t props2 = (gp2_t)vkg_gipa(inst, "vkGetPhysicalDeviceProperties2");
	gp2_t feats2 = (gp2_t)vkg_gipa(inst, "vkGetPhysicalDeviceFeatures2");
	if (!props2 || !feats2) return -1;
	vkg_sg_props sg; vkg_drv_props dr; vkg_sgsize_props ss;
	memset(&sg, 0, sizeof sg); memset(&dr, 0, sizeof dr); memset(&ss, 0, sizeof ss);
	sg.sType = 1000094000; dr.sType = 1000196000; ss.sType = 1000225000;
	sg.pNext = &dr; dr.pNext = &ss;
	vkg_fc_props fc; vkg_nvsm_props nv; vkg_amdcore_props amd;
	memset(&fc, 0, sizeof fc); memset(&nv, 0, sizeof nv); memset(&amd, 0, sizeof amd);
	fc.sType = 1000197000; nv.sType = 1000154001; amd.sType = 1000185000;
	void **tail = &ss.pNext;
	if (floatControls) { *tail = &fc; tail = &fc.pNext; }
	if (nvSM) { *tail = &nv; tail = &nv.pNext; }
	if (amdCore) { *tail = &amd; tail = &amd.pNext; }
	// VkPhysicalDeviceProperties2 is {sType, pNext, properties (824 bytes)}:
	// over-allocate rather than declare the large struct.
	uint64_t buf[256];
	memset(buf, 0, sizeof buf);
	uint32_t st = 1000059001;
	void *next = &sg;
	memcpy(buf, &st, 4);
	memcpy((char *)buf + 8, &next, sizeof next);
	props2(pd, buf);
	vkg_f16_feats f16; vkg_16bit_feats s16; vkg_sgsize_feats sgf;
	memset(&f16, 0, sizeof f16); memset(&s16, 0, sizeof s16); memset(&sgf, 0, sizeof sgf);
	f16.sType = 1000082000; s16.sType = 1000083000; sgf.sType = 1000225001;
	f16.pNext = &s16; s16.pNext = &sgf;
	uint64_t fbuf[64];
	memset(fbuf, 0, sizeof fbuf);
	st = 1000059000;
	next = &f16;
	memcpy(fbuf, &st, 4);
	memcpy((char *)fbuf + 8, &next, sizeof next);
	feats2(pd, fbuf);
	out->subgroupSize = sg.subgroupSize;
	out->subgroupOps = sg.supportedOperations;
	out->subgroupStages = sg.supportedStages;
	out->minSG = ss.minSG;
	out->maxSG = ss.maxSG;
	out->driverID = dr.driverID;
	out->float16 = f16.shaderFloat16;
	out->int8 = f16.shaderInt8;
	out->storage16 = s16.sb16;
	out->sizeControl = sgf.subgroupSizeControl;
	out->preserve32 = fc.flags[1];
	if (nvSM) {
		out->computeUnits = nv.smCount;
		out->warpsPerCU = nv.warpsPerSM;
	} else if (amdCore) {
		out->computeUnits = amd.engines * amd.arraysPerEngine * amd.cusPerArray;
	}
	memcpy(out->driverName, dr.name, 256);
	memcpy(out->driverInfo, dr.info, 256);
	out->driverName[255] = out->driverInfo[255] = 0;
	return 0;
}

// ---- the recording path ----

typedef struct { void *buffer; uint64_t offset, range; } vkg_buf_info;
typedef struct {
	uint32_t sType; const void *pNext; void *dstSet;
	uint32_t dstBinding, dstArrayElement, descriptorCount, descriptorType;
	const void *pImageInfo; const vkg_buf_info *pBufferInfo; const void *pTexelBufferView;
} vkg_write;
typedef struct { uint32_t sType; const void *pNext; uint32_t srcAccess, dstAccess; } vkg_mem_barrier;
typedef struct { uint64_t src, dst, size; } vkg_copy_region;

typedef void (*vkg_push_desc_t)(void *, uint32_t, void *, uint32_t, uint32_t, const vkg_write *);
typedef void (*vkg_bind_t)(void *, uint32_t, void *);
typedef void (*vkg_pc_t)(void *, void *, uint32_t, uint32_t, uint32_t, const void *);
typedef void (*vkg_dispatch_t)(void *, uint32_t, uint32_t, uint32_t);
typedef void (*vkg_barrier_t)(void *, uint32_t, uint32_t, uint32_t, uint32_t, const vkg_mem_barrier *, uint32_t, const void *, uint32_t, const void *);
typedef void (*vkg_ts_t)(void *, uint32_t, void *, uint32_t);
typedef void (*vkg_copy_t)(void *, void *, void *, uint32_t, const vkg_copy_region *);
typedef void (*vkg_fill_t)(void *, void *, uint64_t, uint64_t, uint32_t);
typedef void (*vkg_reset_q_t)(void *, void *, uint32_t, uint32_t);

typedef int32_t (*vkg_create_t)(void *, const void *, const void *, void **);
typedef int32_t (*vkg_reset_pool_t)(void *, void *, uint32_t);
typedef int32_t (*vkg_alloc_sets_t)(void *, const void *, void **);
typedef void (*vkg_update_sets_t)(void *, uint32_t, const void *, uint32_t, const void *);
typedef void (*vkg_bind_sets_t)(void *, uint32_t, void *, uint32_t, uint32_t, void *const *, uint32_t, const uint32_t *);
typedef void (*vkg_destroy_t)(void *, void *, const void *);
typedef int32_t (*vkg_create_pipes_t)(void *, void *, uint32_t, const void *, const void *, void **);
typedef int32_t (*vkg_submit_t)(void *, uint32_t, const void *, void *);
typedef void (*vkg_reqs_t)(void *, void *, void *);
typedef int32_t (*vkg_begin_t)(void *, const void *);
typedef int32_t (*vkg_end_t)(void *);
typedef int32_t (*vkg_reset_cmd_t)(void *, uint32_t);

typedef struct {
	vkg_create_t create_shader, create_dsl, create_layout, create_buffer, alloc_memory, create_desc_pool;
	vkg_destroy_t destroy_shader, destroy_dsl, destroy_layout, destroy_desc_pool;
	vkg_reset_pool_t reset_desc_pool;
	vkg_alloc_sets_t alloc_sets;
	vkg_update_sets_t update_sets;
	vkg_bind_sets_t bind_sets;
	vkg_create_pipes_t create_pipes;
	vkg_submit_t submit;
	vkg_reqs_t buffer_reqs;
	vkg_begin_t begin;
	vkg_end_t end;
	vkg_reset_cmd_t reset_cmd;
	vkg_push_desc_t push_desc;
	vkg_bind_t bind;
	vkg_pc_t push_constants;
	vkg_dispatch_t dispatch;
	vkg_barrier_t barrier;
	vkg_ts_t timestamp;
	vkg_copy_t copy;
	vkg_fill_t fill;
	vkg_reset_q_t reset_queries;
} vkg_fns;


static vkg_fns *vkg_load_device_fns(void *inst, void *dev, int *err) {
	*err = -1;
	vkg_gdpa_t gdpa = (vkg_gdpa_t)vkg_gipa(inst, "vkGetDeviceProcAddr");
	if (!gdpa) return NULL;
	vkg_fns *f = (vkg_fns *)calloc(1, sizeof(vkg_fns));
	if (!f) return NULL;
	f->push_desc = (vkg_push_desc_t)gdpa(dev, "vkCmdPushDescriptorSetKHR");
	f->bind = (vkg_bind_t)gdpa(dev, "vkCmdBindPipeline");
	f->push_constants = (vkg_pc_t)gdpa(dev, "vkCmdPushConstants");
	f->dispatch = (vkg_dispatch_t)gdpa(dev, "vkCmdDispatch");
	f->barrier = (vkg_barrier_t)gdpa(dev, "vkCmdPipelineBarrier");
	f->timestamp = (vkg_ts_t)gdpa(dev, "vkCmdWriteTimestamp");
	f->copy = (vkg_copy_t)gdpa(dev, "vkCmdCopyBuffer");
	f->fill = (vkg_fill_t)gdpa(dev, "vkCmdFillBuffer");
	f->reset_queries = (vkg_reset_q_t)gdpa(dev, "vkCmdResetQueryPool");
	f->create_desc_pool = (vkg_create_t)gdpa(dev, "vkCreateDescriptorPool");
	f->destroy_desc_pool = (vkg_destroy_t)gdpa(dev, "vkDestroyDescriptorPool");
	f->reset_desc_pool = (vkg_reset_pool_t)gdpa(dev, "vkResetDescriptorPool");
	f->alloc_sets = (vkg_alloc_sets_t)gdpa(dev, "vkAllocateDescriptorSets");
	f->update_sets = (vkg_update_sets_t)gdpa(dev, "vkUpdateDescriptorSets");
	f->bind_sets = (vkg_bind_sets_t)gdpa(dev, "vkCmdBindDescriptorSets");
	f->create_shader = (vkg_create_t)gdpa(dev, "vkCreateShaderModule");
	f->create_dsl = (vkg_create_t)gdpa(dev, "vkCreateDescriptorSetLayout");
	f->create_layout = (vkg_create_t)gdpa(dev, "vkCreatePipelineLayout");
	f->create_buffer = (vkg_create_t)gdpa(dev, "vkCreateBuffer");
	f->alloc_memory = (vkg_create_t)gdpa(dev, "vkAllocateMemory");
	f->destroy_shader = (vkg_destroy_t)gdpa(dev, "vkDestroyShaderModule");
	f->destroy_dsl = (vkg_destroy_t)gdpa(dev, "vkDestroyDescriptorSetLayout");
	f->destroy_layout = (vkg_destroy_t)gdpa(dev, "vkDestroyPipelineLayout");
	f->create_pipes = (vkg_create_pipes_t)gdpa(dev, "vkCreateComputePipelines");
	f->submit = (vkg_submit_t)gdpa(dev, "vkQueueSubmit");
	f->buffer_reqs = (vkg_reqs_t)gdpa(dev, "vkGetBufferMemoryRequirements");
	f->begin = (vkg_begin_t)gdpa(dev, "vkBeginCommandBuffer");
	f->end = (vkg_end_t)gdpa(dev, "vkEndCommandBuffer");
	f->reset_cmd = (vkg_reset_cmd_t)gdpa(dev, "vkResetCommandBuffer");
	if (!f->create_desc_pool || !f->destroy_desc_pool || !f->reset_desc_pool || !f->alloc_sets || !f->update_sets || !f->bind_sets) { free(f); return NULL; }
	if (!f->create_shader || !f->create_dsl || !f->create_layout || !f->create_buffer || !f->alloc_memory ||
		!f->create_pipes || !f->submit || !f->buffer_reqs || !f->begin || !f->end || !f->reset_cmd) { free(f); return NULL; }
	if (!f->bind || !f->push_constants || !f->dispatch || !f->barrier || !f->copy || !f->fill) { free(f); return NULL; }
	*err = 0;
	return f;
}

// Stages: compute 0x800, transfer 0x1000, host 0x4000.
// Access: shader read 0x20, write 0x40; transfer read 0x800, write 0x1000; host read 0x2000.
static void vkg_barrier(const vkg_fns *f, void *cmd) {
	vkg_mem_barrier b = {46, NULL, 0x40 | 0x1000, 0x20 | 0x40 | 0x800 | 0x1000};
	f->barrier(cmd, 0x800 | 0x1000, 0x800 | 0x1000, 0, 1, &b, 0, NULL, 0, NULL);
}
static void vkg_host_barrier(const vkg_fns *f, void *cmd) {
	vkg_mem_barrier b = {46, NULL, 0x40 | 0x1000, 0x2000};
	f->barrier(cmd, 0x800 | 0x1000, 0x4000, 0, 1, &b, 0, NULL, 0, NULL);
}

// One dispatch: optional barrier, optional timestamps around it, bind,
// push descriptors (storage buffers 0..n-1), push constants, dispatch.
typedef struct { uint32_t type, count; } vkg_pool_size;
typedef struct { uint32_t sType; const void *pNext; uint32_t flags, maxSets, poolSizeCount; const vkg_pool_size *pPoolSizes; } vkg_pool_info;
typedef struct { uint32_t sType; const void *pNext; void *pool; uint32_t count; void *const *pSetLayouts; } vkg_set_alloc;

// A descriptor pool for up to maxSets sets of 8 storage buffers, for
// devices without push descriptors.
static int32_t vkg_create_desc_pool(const vkg_fns *f, void *dev, uint32_t maxSets, void **pool) {
	vkg_pool_size ps = {7, 8 * maxSets};
	vkg_pool_info pi = {33, NULL, 0, maxSets, 1, &ps};
	return f->create_desc_pool(dev, &pi, NULL, pool);
}
static void vkg_destroy_desc_pool(const vkg_fns *f, void *dev, void *pool) { f->destroy_desc_pool(dev, pool, NULL); }
static int32_t vkg_reset_desc_pool(const vkg_fns *f, void *dev, void *pool) { return f->reset_desc_pool(dev, pool, 0); }

// One dispatch: optional barrier, optional timestamps around it, bind,
// descriptors (pushed, or a set from pool when dsl is not NULL), push
// constants, dispatch. It returns a VkResult (set allocation can fail).
static int32_t vkg_dispatch(const vkg_fns *f, void *dev, void *cmd, int barrier, void *pipe, void *layout, void *pool, void *dsl, int n,
		void **bufs, uint64_t *offsets, uint64_t *ranges, const void *pc, uint32_t pcsize,
		uint32_t gx, uint32_t gy, uint32_t gz, void *qpool, int query) {
	if (barrier) vkg_barrier(f, cmd);
	if (query >= 0) f->timestamp(cmd, 0x800, qpool, (uint32_t)query); // after earlier compute work
	f->bind(cmd, 1, pipe);
	vkg_buf_info infos[8];
	vkg_write writes[8];
	for (int i = 0; i < n; i++) {
		infos[i].buffer = bufs[i];
		infos[i].offset = offsets[i];
		infos[i].range = ranges[i];
		memset(&writes[i], 0, sizeof writes[i]);
		writes[i].sType = 35; // WRITE_DESCRIPTOR_SET
		writes[i].dstBinding = (uint32_t)i;
		writes[i].descriptorCount = 1;
		writes[i].descriptorType = 7; // STORAGE_BUFFER
		writes[i].pBufferInfo = &infos[i];
	}
	if (pool) {
		void *set = NULL;
		vkg_set_alloc sa = {34, NULL, pool, 1, &dsl};
		int32_t r = f->alloc_sets(dev, &sa, &set);
		if (r) return r;
		for (int i = 0; i < n; i++) writes[i].dstSet = set;
		f->update_sets(dev, (uint32_t)n, writes, 0, NULL);
		f->bind_sets(cmd, 1, layout, 0, 1, &set, 0, NULL);
	} else {
		f->push_desc(cmd, 1, layout, 0, (uint32_t)n, writes);
	}
	if (pcsize) f->push_constants(cmd, layout, 0x20, 0, pcsize, pc);
	f->dispatch(cmd, gx, gy, gz);
	if (query >= 0) f->timestamp(cmd, 0x800, qpool, (uint32_t)query + 1);
	return 0;
}

static void vkg_copy(const vkg_fns *f, void *cmd, int barrier, void *src, uint64_t so, void *dst, uint64_t d, uint64_t size) {
	if (barrier) vkg_barrier(f, cmd);
	vkg_copy_region r = {so, d, size};
	f->copy(cmd, src, dst, 1, &r);
}

static void vkg_fill(const vkg_fns *f, void *cmd, int barrier, void *dst, uint64_t off, uint64_t size, uint32_t bits) {
	if (barrier) vkg_barrier(f, cmd);
	f->fill(cmd, dst, off, size, bits);
}

static void vkg_reset_queries(const vkg_fns *f, void *cmd, void *pool, uint32_t n) {
	f->reset_queries(cmd, pool, 0, n);
}

// ---- calls whose create-info structs hold arrays: declared here, because
// the Go binding's conversion of nested arrays can be freed by the garbage
// collector before the call returns ----

typedef struct { uint32_t sType; const void *pNext; uint32_t flags; size_t codeSize; const uint32_t *pCode; } vkg_shader_info;
typedef struct { uint32_t binding, descriptorType, descriptorCount, stageFlags; const void *pImmutableSamplers; } vkg_dsl_binding;
typedef struct { uint32_t sType; const void *pNext; uint32_t flags; uint32_t bindingCount; const vkg_dsl_binding *pBindings; } vkg_dsl_info;
typedef struct { uint32_t stageFlags, offset, size; } vkg_pc_range;
typedef struct {
	uint32_t sType; const void *pNext; uint32_t flags;
	uint32_t setLayoutCount; void *const *pSetLayouts;
	uint32_t pushConstantRangeCount; const vkg_pc_range *pPushConstantRanges;
} vkg_pl_info;
typedef struct { uint32_t constantID, offset; size_t size; } vkg_spec_entry;
typedef struct { uint32_t mapEntryCount; const vkg_spec_entry *pMapEntries; size_t dataSize; const void *pData; } vkg_spec_info;
typedef struct {
	uint32_t sType; const void *pNext; uint32_t flags; uint32_t stage;
	void *module; const char *pName; const vkg_spec_info *pSpecializationInfo;
} vkg_stage_info;
typedef struct {
	uint32_t sType; const void *pNext; uint32_t flags; vkg_stage_info stage;
	void *layout; void *basePipelineHandle; int32_t basePipelineIndex;
} vkg_cp_info;

// vkg_create_pipeline builds module, push-descriptor set layout, pipeline
// layout and pipeline; on failure it destroys what it made.
static int32_t vkg_create_pipeline(const vkg_fns *f, void *dev, void *cache, const uint32_t *code, size_t codeSize,
		int nbind, uint32_t pushSize, const uint32_t *spec, int nspec, int pushDesc,
		void **module, void **dsl, void **layout, void **pipe) {
	*module = *dsl = *layout = *pipe = NULL;
	vkg_shader_info si = {16, NULL, 0, codeSize, code};
	int32_t r = f->create_shader(dev, &si, NULL, module);
	if (r) return r;
	vkg_dsl_binding binds[8];
	for (int i = 0; i < nbind; i++) {
		vkg_dsl_binding b = {(uint32_t)i, 7, 1, 0x20, NULL};
		binds[i] = b;
	}
	// flags 0x1: VK_DESCRIPTOR_SET_LAYOUT_CREATE_PUSH_DESCRIPTOR_BIT_KHR
	vkg_dsl_info di = {32, NULL, pushDesc ? 0x1u : 0u, (uint32_t)nbind, binds};
	r = f->create_dsl(dev, &di, NULL, dsl);
	if (r) goto fail;
	vkg_pc_range pcr = {0x20, 0, pushSize};
	vkg_pl_info pli = {30, NULL, 0, 1, dsl, pushSize ? 1u : 0u, pushSize ? &pcr : NULL};
	r = f->create_layout(dev, &pli, NULL, layout);
	if (r) goto fail;
	vkg_spec_entry entries[32];
	for (int i = 0; i < nspec; i++) {
		vkg_spec_entry e = {(uint32_t)i, (uint32_t)(4 * i), 4};
		entries[i] = e;
	}
	vkg_spec_info spi = {(uint32_t)nspec, entries, (size_t)(4 * nspec), spec};
	vkg_cp_info ci;
	memset(&ci, 0, sizeof ci);
	ci.sType = 29;
	ci.stage.sType = 18;
	ci.stage.stage = 0x20;
	ci.stage.module = *module;
	ci.stage.pName = "main";
	ci.stage.pSpecializationInfo = nspec ? &spi : NULL;
	ci.layout = *layout;
	ci.basePipelineIndex = -1;
	r = f->create_pipes(dev, cache, 1, &ci, NULL, pipe);
	if (r) goto fail;
	return 0;
fail:
	if (*layout) f->destroy_layout(dev, *layout, NULL);
	if (*dsl) f->destroy_dsl(dev, *dsl, NULL);
	if (*module) f->destroy_shader(dev, *module, NULL);
	*module = *dsl = *layout = *pipe = NULL;
	return r;
}

typedef struct {
	uint32_t sType; const void *pNext;
	uint32_t waitSemaphoreCount; const void *pWaitSemaphores; const uint32_t *pWaitDstStageMask;
	uint32_t commandBufferCount; void *const *pCommandBuffers;
	uint32_t signalSemaphoreCount; const void *pSignalSemaphores;
} vkg_submit_info;

static int32_t vkg_submit(const vkg_fns *f, void *queue, void *cmd, void *fence) {
	vkg_submit_info si;
	memset(&si, 0, sizeof si);
	si.sType = 4;
	si.commandBufferCount = 1;
	si.pCommandBuffers = &cmd;
	return f->submit(queue, 1, &si, fence);
}

typedef struct { uint32_t sType; const void *pNext; uint32_t flags; const void *pInheritanceInfo; } vkg_begin_info;

static int32_t vkg_begin(const vkg_fns *f, void *cmd) {
	int32_t r = f->reset_cmd(cmd, 0);
	if (r) return r;
	vkg_begin_info bi = {42, NULL, 0x1, NULL}; // ONE_TIME_SUBMIT
	return f->begin(cmd, &bi);
}
static int32_t vkg_end(const vkg_fns *f, void *cmd) { return f->end(cmd); }

typedef struct {
	uint32_t sType; const void *pNext; uint32_t flags; uint64_t size; uint32_t usage;
	uint32_t sharingMode; uint32_t queueFamilyIndexCount; const uint32_t *pQueueFamilyIndices;
} vkg_buffer_info;
typedef struct { uint64_t size, alignment; uint32_t memoryTypeBits; } vkg_mem_reqs;
typedef struct { uint32_t sType; const void *pNext; uint64_t allocationSize; uint32_t memoryTypeIndex; } vkg_alloc_info;

// vkg_create_block creates a storage buffer of size bytes and allocates
// memory of type memType for it (returning 1 when the type cannot back the
// buffer); binding the two is left to the caller.
static int32_t vkg_create_block(const vkg_fns *f, void *dev, uint64_t size, uint32_t memType, void **buf, void **mem, uint64_t *memSize, uint32_t *typeBits) {
	vkg_buffer_info bi;
	memset(&bi, 0, sizeof bi);
	bi.sType = 12;
	bi.size = size;
	bi.usage = 0x20 | 0x1 | 0x2; // storage, transfer src, transfer dst
	int32_t r = f->create_buffer(dev, &bi, NULL, buf);
	if (r) return r;
	vkg_mem_reqs req;
	f->buffer_reqs(dev, *buf, &req);
	*memSize = req.size;
	*typeBits = req.memoryTypeBits;
	if (!(req.memoryTypeBits & (1u << memType))) return 1; // caller reports
	vkg_alloc_info ai = {5, NULL, req.size, memType};
	return f->alloc_memory(dev, &ai, NULL, mem);
}
*/
import "C"

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"unsafe"
)

// loaderNames are the files the Vulkan loader comes as, per system: the
// Khronos loader, and on Apple machines MoltenVK itself where no loader is
// installed.
func loaderNames() (names []string, hint string) {
	if runtime.GOOS == "darwin" {
		return []string{"libvulkan.1.dylib", "libvulkan.dylib", "libMoltenVK.dylib"}, "install the Vulkan SDK or MoltenVK"
	}
	return []string{"libvulkan.so.1", "libvulkan.so"}, "install libvulkan1"
}

// loadLoader dlopens the Vulkan loader and returns vkGetInstanceProcAddr.
func loadLoader() (unsafe.Pointer, error) {
	var errs []string
	names, hint := loaderNames()
	for _, name := range names {
		cn := C.CString(name)
		p := C.vkg_load(cn)
		C.free(unsafe.Pointer(cn))
		if p != nil {
			return p, nil
		}
		errs = append(errs, C.GoString(C.vkg_load_error()))
	}
	return nil, fmt.Errorf("no Vulkan loader (%s): %s", hint, strings.Join(errs, "; "))
}

// newRing makes the message ring of one instance and returns it with the
// pNext chain for its VkInstanceCreateInfo.
func newRing(syncValidation bool) (ring, pnext unsafe.Pointer) {
	r := C.vkg_new_ring(cbool(syncValidation))
	return unsafe.Pointer(r), unsafe.Pointer(&r.dci)
}

func freeRing(ring unsafe.Pointer) { C.vkg_free_ring((*C.vkg_ring)(ring)) }

func createMessenger(inst, ring unsafe.Pointer) (uint64, error) {
	var m C.uint64_t
	if r := C.vkg_create_messenger(inst, (*C.vkg_ring)(ring), &m); r != 0 {
		return 0, fmt.Errorf("vkCreateDebugUtilsMessengerEXT: VkResult %d", int32(r))
	}
	return uint64(m), nil
}

func destroyMessenger(inst unsafe.Pointer, m uint64) { C.vkg_destroy_messenger(inst, C.uint64_t(m)) }

// takeMessages drains an instance's validation messages: their count and
// text.
func takeMessages(ring unsafe.Pointer) (int, string) {
	buf := (*C.char)(C.malloc(16384))
	defer C.free(unsafe.Pointer(buf))
	n := C.vkg_take_messages((*C.vkg_ring)(ring), buf, 16384)
	return int(n), C.GoString(buf)
}

// caps are the properties and features read through Properties2/Features2.
type caps struct {
	SubgroupSize, SubgroupOps, SubgroupStages, MinSubgroup, MaxSubgroup, DriverID uint32
	Float16, Int8, Storage16, SubgroupSizeControl                                 bool
	PreserveNaN                                                                   bool
	ComputeUnits, WarpsPerCU                                                      uint32
	DriverName, DriverInfo                                                        string
}

// queryCaps reads what Properties2 and Features2 tell; the flags say which
// optional structs the device supports (chaining others is invalid).
func queryCaps(inst, pd unsafe.Pointer, floatControls, nvSM, amdCore bool) (caps, error) {
	var o C.vkg_caps
	if C.vkg_query_caps(inst, pd, cbool(floatControls), cbool(nvSM), cbool(amdCore), &o) != 0 {
		return caps{}, errors.New("vkGetPhysicalDeviceProperties2 is missing (Vulkan 1.1 needed)")
	}
	return caps{
		SubgroupSize: uint32(o.subgroupSize), SubgroupOps: uint32(o.subgroupOps), SubgroupStages: uint32(o.subgroupStages),
		MinSubgroup: uint32(o.minSG), MaxSubgroup: uint32(o.maxSG), DriverID: uint32(o.driverID),
		Float16: o.float16 != 0, Int8: o.int8 != 0, Storage16: o.storage16 != 0, SubgroupSizeControl: o.sizeControl != 0,
		PreserveNaN: o.preserve32 != 0, ComputeUnits: uint32(o.computeUnits), WarpsPerCU: uint32(o.warpsPerCU),
		DriverName: C.GoString(&o.driverName[0]), DriverInfo: C.GoString(&o.driverInfo[0]),
	}, nil
}

// loadDeviceFns resolves the device's command functions into a table in C
// memory (freed by freeFns), which every call below takes.
func loadDeviceFns(inst, dev unsafe.Pointer) (unsafe.Pointer, error) {
	var e C.int
	f := C.vkg_load_device_fns(inst, dev, &e)
	if f == nil {
		return nil, errors.New("vkGetDeviceProcAddr could not resolve the command functions")
	}
	return unsafe.Pointer(f), nil
}

func freeFns(f unsafe.Pointer) { C.free(f) }

// cStrings copies names into C memory; free releases it.
func cStrings(names []string) (arr **C.char, n C.int, free func()) {
	if len(names) == 0 {
		return nil, 0, func() {}
	}
	p := (**C.char)(C.calloc(C.size_t(len(names)), C.size_t(unsafe.Sizeof((*C.char)(nil)))))
	a := unsafe.Slice(p, len(names))
	for i, s := range names {
		a[i] = C.CString(s)
	}
	return p, C.int(len(names)), func() {
		for _, c := range a {
			C.free(unsafe.Pointer(c))
		}
		C.free(unsafe.Pointer(p))
	}
}

// createInstanceC creates an instance with the given layers, extensions,
// flags and pNext chain (C memory), all arguments in C memory.
func createInstanceC(apiVersion, flags uint32, pnext unsafe.Pointer, layers, exts []string) (unsafe.Pointer, int32) {
	ls, nl, freeL := cStrings(layers)
	defer freeL()
	es, ne, freeE := cStrings(exts)
	defer freeE()
	var inst unsafe.Pointer
	res := C.vkg_create_instance(C.uint32_t(apiVersion), C.uint32_t(flags), pnext, ls, nl, es, ne, &inst)
	return inst, int32(res)
}

// createDeviceC creates a device with one queue of family and the given
// extensions.
func createDeviceC(inst, pd unsafe.Pointer, family uint32, exts []string) (unsafe.Pointer, int32) {
	es, ne, freeE := cStrings(exts)
	defer freeE()
	var dev unsafe.Pointer
	res := C.vkg_create_device(inst, pd, C.uint32_t(family), es, ne, &dev)
	return dev, int32(res)
}

// queueFamilies returns each queue family's flags and timestamp bits.
func queueFamilies(inst, pd unsafe.Pointer) (flags, tsBits []uint32) {
	const maxFamilies = 64
	var f, b [maxFamilies]C.uint32_t
	n := int(C.vkg_queue_families(inst, pd, &f[0], &b[0], maxFamilies))
	n = min(n, maxFamilies)
	for i := range n {
		flags = append(flags, uint32(f[i]))
		tsBits = append(tsBits, uint32(b[i]))
	}
	return flags, tsBits
}

// hasExtensionC reports an instance extension (pd nil) or a device
// extension of pd.
func hasExtensionC(inst, pd unsafe.Pointer, name string) bool {
	c := C.CString(name)
	defer C.free(unsafe.Pointer(c))
	return C.vkg_has_extension(inst, pd, c) != 0
}

func hasLayerC(name string) bool {
	c := C.CString(name)
	defer C.free(unsafe.Pointer(c))
	return C.vkg_has_layer(c) != 0
}

func fns(f unsafe.Pointer) *C.vkg_fns { return (*C.vkg_fns)(f) }

func cmdHostBarrier(f, cmd unsafe.Pointer) { C.vkg_host_barrier(fns(f), cmd) }

func cbool(b bool) C.int {
	if b {
		return 1
	}
	return 0
}

// dispatchArgs holds the C memory of one dispatch's arguments.
type dispatchArgs struct {
	bufs    [8]unsafe.Pointer
	offsets [8]C.uint64_t
	ranges  [8]C.uint64_t
}

func cmdDispatch(f, dev, cmd unsafe.Pointer, barrier bool, pipe, layout, pool, dsl unsafe.Pointer, a *dispatchArgs, n int, pc []byte, gx, gy, gz uint32, qpool unsafe.Pointer, query int) int32 {
	// a holds C handles, not Go pointers, so it may be passed as it is.
	var pcp unsafe.Pointer
	if len(pc) > 0 {
		pcp = unsafe.Pointer(&pc[0])
	}
	return int32(C.vkg_dispatch(fns(f), dev, cmd, cbool(barrier), pipe, layout, pool, dsl, C.int(n),
		(*unsafe.Pointer)(unsafe.Pointer(&a.bufs[0])), &a.offsets[0], &a.ranges[0],
		pcp, C.uint32_t(len(pc)), C.uint32_t(gx), C.uint32_t(gy), C.uint32_t(gz), qpool, C.int(query)))
}

func createDescPool(f, dev unsafe.Pointer, maxSets int) (unsafe.Pointer, int32) {
	var p unsafe.Pointer
	r := C.vkg_create_desc_pool(fns(f), dev, C.uint32_t(maxSets), &p)
	return p, int32(r)
}
func destroyDescPool(f, dev, pool unsafe.Pointer) { C.vkg_destroy_desc_pool(fns(f), dev, pool) }
func resetDescPool(f, dev, pool unsafe.Pointer) int32 {
	return int32(C.vkg_reset_desc_pool(fns(f), dev, pool))
}

func cmdCopy(f, cmd unsafe.Pointer, barrier bool, src unsafe.Pointer, srcOff uint64, dst unsafe.Pointer, dstOff, size uint64) {
	C.vkg_copy(fns(f), cmd, cbool(barrier), src, C.uint64_t(srcOff), dst, C.uint64_t(dstOff), C.uint64_t(size))
}

func cmdFill(f, cmd unsafe.Pointer, barrier bool, dst unsafe.Pointer, off, size uint64, bits uint32) {
	C.vkg_fill(fns(f), cmd, cbool(barrier), dst, C.uint64_t(off), C.uint64_t(size), C.uint32_t(bits))
}

func cmdResetQueries(f, cmd, pool unsafe.Pointer, n uint32) {
	C.vkg_reset_queries(fns(f), cmd, pool, C.uint32_t(n))
}

func cU64(v uint64) C.uint64_t { return C.uint64_t(v) }

// createPipeline builds a compute pipeline (see vkg_create_pipeline).
func createPipeline(f, dev, cache unsafe.Pointer, code []uint32, nbind, pushSize int, spec []uint32, pushDesc bool) (module, dsl, layout, pipe unsafe.Pointer, res int32) {
	var cm, cd, cl, cp unsafe.Pointer
	var sp *C.uint32_t
	if len(spec) > 0 {
		sp = (*C.uint32_t)(unsafe.Pointer(&spec[0]))
	}
	r := C.vkg_create_pipeline(fns(f), dev, cache, (*C.uint32_t)(unsafe.Pointer(&code[0])), C.size_t(4*len(code)),
		C.int(nbind), C.uint32_t(pushSize), sp, C.int(len(spec)), cbool(pushDesc), &cm, &cd, &cl, &cp)
	return cm, cd, cl, cp, int32(r)
}

func submit(f, queue, cmd, fence unsafe.Pointer) int32 {
	return int32(C.vkg_submit(fns(f), queue, cmd, fence))
}
func beginCmd(f, cmd unsafe.Pointer) int32 { return int32(C.vkg_begin(fns(f), cmd)) }
func endCmd(f, cmd unsafe.Pointer) int32   { return int32(C.vkg_end(fns(f), cmd)) }

// createBlock creates a buffer and allocates (unbound) memory for it; res
// 1 means the memory type cannot back the buffer.
func createBlock(f, dev unsafe.Pointer, size uint64, memType uint32) (buf, mem unsafe.Pointer, res int32) {
	var b, m unsafe.Pointer
	var ms C.uint64_t
	var bits C.uint32_t
	r := C.vkg_create_block(fns(f), dev, C.uint64_t(size), C.uint32_t(memType), &b, &m, &ms, &bits)
	return b, m, int32(r)
}
